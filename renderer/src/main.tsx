import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToHost } from './api/connection';
import { ConnectionProvider } from './api/connection-context';
import { App } from './app/App';
import { createQueryClient } from './app/query-client';
import './styles/theme.css';
import './styles/base.css';

const root = document.getElementById('root');
if (!root) throw new Error('renderer/index.html must contain <div id="root">');

const connection = connectToHost();
const queryClient = createQueryClient();

createRoot(root).render(
  <StrictMode>
    <ConnectionProvider connection={connection}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ConnectionProvider>
  </StrictMode>,
);
