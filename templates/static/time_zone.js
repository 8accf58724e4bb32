// Proposes the browser's time zone on the profile page when the user has
// not chosen one yet. Nothing changes until they press Save; without
// JavaScript the list still works.
(function () {
  const select = document.getElementById('time-zone');
  if (!select || select.dataset.saved) return;
  let zone = '';
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch (e) {
    return;
  }
  const option = Array.from(select.options).find((o) => o.value === zone);
  if (!option) return;
  option.selected = true;
  const hint = document.getElementById('zone-from-browser');
  if (hint) hint.hidden = false;
})();
