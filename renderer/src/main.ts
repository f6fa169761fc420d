// Placeholder renderer until the console UI issue.
const root = document.getElementById('root');
if (root) root.textContent = 'Schema Warden console: use the warden CLI until the console lands.';
