import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api';
import { App } from './App';
import './styles.css';

// Resolved once, before React renders: taking the token rewrites the URL, which must not repeat.
const resolution = resolveApi();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App resolution={resolution} />
  </StrictMode>,
);
