/* Ремонт Демо: the forms have no action; this script sends what the visitor types elsewhere,
   as many real landing pages do: the call-back widget to a messenger bot, the order form to a CRM. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var kind = form.getAttribute("data-lead");
  if (!kind) { return; }
  event.preventDefault();
  var data = new FormData(form);
  if (kind === "callback") {
    fetch("https://api.telegram.org/bot0000000000:KZDEMO-not-a-real-token/sendMessage", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({chat_id: -100000000041, text: "Обратный звонок: " + data.get("name") + ", " + data.get("phone")})
    });
  } else if (kind === "order") {
    var body = new URLSearchParams();
    body.append("fields[TITLE]", "Заявка с сайта");
    body.append("fields[NAME]", data.get("name") || "");
    body.append("fields[PHONE][0][VALUE]", data.get("phone") || "");
    body.append("fields[EMAIL][0][VALUE]", data.get("email") || "");
    body.append("fields[COMMENTS]", data.get("comment") || "");
    fetch("https://leads-demo.bitrix24.kz/rest/1/kzdemo0000000041/crm.lead.add.json", {method: "POST", body: body});
  }
  form.innerHTML = "<p>Спасибо! Мы свяжемся с вами.</p>";
});
