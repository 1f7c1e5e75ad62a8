// Placeholder: shows /api/status until the dashboard's page replaces this file.
fetch('/api/status').then(r => r.json()).then(s => {
  document.getElementById('status').textContent = JSON.stringify(s, null, 2);
});
