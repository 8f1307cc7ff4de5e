import { render } from 'preact';
import { App } from './app.tsx';
import { sharedKeyOf } from './sharing/share-key.ts';
import { SharedApp } from './sharing/shared-app.tsx';
import './styles.css';

// A shared link or public site gets the read-only app, which never asks for a session.
const shareKey = sharedKeyOf(location.pathname);
render(shareKey ? <SharedApp shareKey={shareKey} /> : <App />, document.getElementById('app')!);
