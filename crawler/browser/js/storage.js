() => {
  const read = (name) => {
    try {
      const store = window[name], out = {};
      for (let i = 0; i < store.length && i < 500; i++) {
        const key = store.key(i);
        out[key] = String(store.getItem(key)).slice(0, 200);
      }
      return out;
    } catch (e) { return {}; }
  };
  return {origin: location.origin, local: read('localStorage'), session: read('sessionStorage')};
}
