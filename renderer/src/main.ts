/** The page's entry: the app, its stores, and the connection over this page's transport. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { listenForPageCommands } from './commands/page-commands.ts';
import { runPageCommand } from './commands/run-command.ts';
import { useConnectionStore } from './stores/connection.ts';
import { connectorFor } from './transport/select.ts';
import './styles/theme.css';
import './styles/base.css';

const pinia = createPinia();
createApp(App).use(pinia).mount('#app');
useConnectionStore(pinia).start(connectorFor(window));
// Menu commands exist only in Electron; in browser mode nothing posts them.
listenForPageCommands(window, (command) => void runPageCommand(pinia, command));
