() => { const el = document.querySelector('[data-kzprivacy-consent]'); if (el) el.click(); }
