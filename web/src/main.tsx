import { render } from 'solid-js/web';
import { App } from './app';
import './ui/styles.css';

render(() => <App />, document.getElementById('root')!);
