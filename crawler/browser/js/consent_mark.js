(i) => { const el = window.__kzprivacyCandidates[i]; el.setAttribute('data-kzprivacy-consent', '1'); }
