/* Скрипт Демо: the footer's policy link, a lazy video embed and a visit mark, all made by script */
(function (d, w) {
  function ready(f) { if (d.readyState !== "loading") { f(); } else { d.addEventListener("DOMContentLoaded", f); } }
  ready(function () {
    var footer = d.querySelector("footer p");
    if (footer) {
      var link = d.createElement("a");
      link.href = "/legal/konfidencialnost";
      link.textContent = "Политика конфиденциальности";
      footer.appendChild(d.createTextNode(" "));
      footer.appendChild(link);
    }
    var video = d.getElementById("video");
    if (video) {
      var frame = d.createElement("iframe");
      frame.src = "https://www.youtube.com/embed/KZscript01";
      frame.width = "560";
      frame.height = "315";
      frame.title = "Как проходят занятия";
      video.appendChild(frame);
    }
    try { w.localStorage.setItem("kurs_last_visit", String(Date.now())); } catch (e) { /* storage off */ }
  });
})(document, window);
