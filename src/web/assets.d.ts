// Vite bundles imported stylesheets; this tells TypeScript such imports exist, without pulling
// vite/client's globals (import.meta.env, import.meta.hot) into the server's type checking.
declare module '*.css';
