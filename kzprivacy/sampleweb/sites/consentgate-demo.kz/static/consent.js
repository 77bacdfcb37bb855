/* Сауда Демо: the cookie banner. Advertising pixels load only once the visitor agrees. */
(function (d, w) {
  var PIXEL = "200000000000002", VK_PIXEL = "VK-RTRG-000002-SD";
  function loadPixels() {
    /* Meta Pixel base code */
    if (!w.fbq) {
      var n = w.fbq = function () { n.callMethod ? n.callMethod.apply(n, arguments) : n.queue.push(arguments); };
      n.push = n; n.loaded = true; n.version = "2.0"; n.queue = [];
      var t = d.createElement("script");
      t.async = true;
      t.src = "https://connect.facebook.net/en_US/fbevents.js";
      d.head.appendChild(t);
      w.fbq("init", PIXEL);
      w.fbq("track", "PageView");
    }
    /* VK retargeting */
    var vk = d.createElement("script");
    vk.async = true;
    vk.src = "https://vk.com/js/api/openapi.js?169";
    vk.onload = function () { if (w.VK && w.VK.Retargeting) { w.VK.Retargeting.Init(VK_PIXEL); w.VK.Retargeting.Hit(); } };
    d.head.appendChild(vk);
  }
  function hide() { var banner = d.getElementById("cookie-consent"); if (banner) { banner.style.display = "none"; } }
  function choose(value) {
    d.cookie = "cookie_consent=" + value + "; path=/; max-age=31536000; SameSite=Lax";
    try { w.localStorage.setItem("consent_choice", value); } catch (e) { /* storage off */ }
    hide();
    if (value === "all") { loadPixels(); }
  }
  function ready(f) { if (d.readyState !== "loading") { f(); } else { d.addEventListener("DOMContentLoaded", f); } }
  ready(function () {
    if (/(?:^|; )cookie_consent=all/.test(d.cookie)) { hide(); loadPixels(); return; }
    if (/(?:^|; )cookie_consent=/.test(d.cookie)) { hide(); return; }
    var accept = d.getElementById("cookie-accept"), reject = d.getElementById("cookie-reject");
    if (accept) { accept.addEventListener("click", function () { choose("all"); }); }
    if (reject) { reject.addEventListener("click", function () { choose("necessary"); }); }
  });
})(document, window);
