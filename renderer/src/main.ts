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
// Connect first: the sockets open while the app mounts and loads its editor, instead of after.
useConnectionStore(pinia).start(connectorFor(window));
createApp(App).use(pinia).mount('#app');
// Menu commands exist only in Electron; in browser mode nothing posts them.
listenForPageCommands(window, (command) => void runPageCommand(pinia, command));
