() => {
  const selector = 'button, a, [role="button"], input[type="button"], input[type="submit"], [onclick], ' +
                   '[class*="btn"], [class*="button"]';
  const elements = Array.from(document.querySelectorAll(selector)).slice(0, 3000);
  const out = [];
  elements.forEach((el, index) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.pointerEvents === 'none') return;
    const label = String(el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    if (!label || label.length > 60) return;
    let context = '', attrs = '', fixed = false, inForm = false, node = el;
    for (let depth = 0; node && node.nodeType === 1 && depth < 8; depth++, node = node.parentElement) {
      attrs += ' ' + (node.id || '') + ' ' + (typeof node.className === 'string' ? node.className : '');
      const text = String(node.innerText || '');
      if (!context && text.length > label.length + 20) context = text.slice(0, 600);
      const position = getComputedStyle(node).position;
      if (position === 'fixed' || position === 'sticky') fixed = true;
      if (node.tagName === 'FORM' &&
          node.querySelector('input[type="text"], input[type="email"], input[type="tel"], textarea')) inForm = true;
    }
    out.push({index, label, context, attrs: attrs.slice(0, 600), fixed, in_form: inForm});
  });
  window.__kzprivacyCandidates = elements;
  return out;
}
