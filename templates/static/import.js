// Reads a chosen CSV file into the import form's text box, so an admin can
// pick a file instead of pasting it. Without JavaScript the box still works.
document.querySelectorAll('input[type=file][data-fills]').forEach((input) => {
  input.addEventListener('change', () => {
    const target = document.getElementById(input.dataset.fills);
    const file = input.files && input.files[0];
    if (!target || !file) return;
    file.text().then((text) => { target.value = text.replace(/^\uFEFF/, ''); });
  });
});
