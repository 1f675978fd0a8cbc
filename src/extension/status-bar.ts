/**
 * The status bar item that shows the GPU budget in use; clicking it runs "Set GPU Budget". It shows only
 * once the workspace index has found a training job: activation is by file name (package.json), and the
 * content decides whether the extension has anything to say.
 */
import * as vscode from 'vscode';
import { formatBytes } from '../core/units';
import type { AdvisorService } from './advisor-service';

export const SET_GPU_BUDGET_COMMAND = 'optimizerAdvisor.setGpuBudget';

export class BudgetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('optimizerAdvisor.gpuBudget', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: AdvisorService) {
    this.item.name = vscode.l10n.t('Optimizer Advisor GPU budget');
    this.item.command = SET_GPU_BUDGET_COMMAND;
    this.subscription = service.onDidChange(() => this.update());
    this.update();
  }

  /** The text shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  /** Whether the item is on screen (tests). */
  get visible(): boolean {
    return this.shown;
  }

  private shown = false;

  update(): void {
    this.shown = this.service.entries().length > 0;
    if (this.shown) this.item.show();
    else this.item.hide();
    const t = vscode.l10n.t;
    const b = this.service.budget;
    if (b.memoryBytes === null) {
      this.item.text = `$(circuit-board) ${t('GPU: not set')}`;
      this.item.tooltip = b.problem ?? t('No GPU detected and none set: fits are unknown. Click to set a GPU budget.');
      return;
    }
    const count = b.countOverride ?? b.countDefault;
    this.item.text = `$(circuit-board) ${count === null ? '' : `${count}×`}${formatBytes(b.memoryBytes)}`;
    const source = b.source === 'detected' ? t('detected') : b.source === 'preset' ? t('preset') : t('custom size');
    const lines = [t('GPU budget: {0} ({1})', b.label, source)];
    if (b.freeBytes !== null) lines.push(t('{0} free now on the busiest GPU', formatBytes(b.freeBytes)));
    lines.push(...b.notes, t('Click to change.'));
    this.item.tooltip = lines.join('\n');
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
