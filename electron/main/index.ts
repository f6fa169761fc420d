import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

// Placeholder window until the hosts issue: the engine is reached through the CLI for now.
app.whenReady().then(() => {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    webPreferences: { preload: join(__dirname, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  void window.loadFile(join(__dirname, '../renderer/index.html'));
});

app.on('window-all-closed', () => app.quit());
