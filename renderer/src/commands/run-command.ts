/** What each menu command does in the page, through the stores. */
import type { Pinia } from 'pinia';
import { useNoticesStore } from '../stores/notices.ts';
import { useWorkspaceStore } from '../stores/workspace.ts';
import type { PageCommand } from './page-commands.ts';

export async function runPageCommand(pinia: Pinia, command: PageCommand): Promise<void> {
  const workspace = useWorkspaceStore(pinia);
  switch (command.command) {
    case 'openTopology':
      await workspace.openSaved(command.topologyId);
      return;
    case 'openCapture':
      // The catalogue has it; the capture view that opens it is a later step of the app.
      useNoticesStore(pinia).push({ kind: 'info', title: 'Capture imported', text: `${command.name || 'The capture'} is in the workspace's capture catalogue.` });
      return;
    case 'save':
      await workspace.save(workspace.document.name);
      return;
    case 'saveAs':
      workspace.requestSaveAs();
      return;
  }
}
