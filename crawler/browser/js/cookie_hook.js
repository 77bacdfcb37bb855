(() => {
  if (window.__kzprivacyHooked) return;
  window.__kzprivacyHooked = true;
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!desc || !desc.set) return;
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true, enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      try {
        const urls = ((new Error()).stack || '').match(/(?:https?|file):\/\/[^\s()]+?(?=:\d+:\d+)/g) || [];
        window.__kzprivacyCookieWrite(String(value).slice(0, 4096), urls[0] || '');
      } catch (e) {}
      return desc.set.call(this, value);
    }
  });
})();
