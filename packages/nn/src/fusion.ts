import { freeActivation, type Variable, type Input } from '@tapegrad/autograd';
import type { Epilogue } from '@tapegrad/tensor';
import type { Module } from './Module.js';

/**
 * What a module brings to fusion, declared by the module itself (`Module.fusionRole`):
 * - a host runs its forward and then an epilogue in the same kernel pass (Conv2d, batch norm);
 * - an epilogue is an activation a host can run for it (ReLU).
 * A module whose forward has been replaced (by a subclass or on the instance) declares nothing, so
 * it always runs on its own.
 */
export type FusionRole =
  | { readonly kind: 'host'; readonly epilogues: readonly Epilogue[]; readonly run: (x: Input, epilogue: Epilogue) => Variable }
  | { readonly kind: 'epilogue'; readonly epilogue: Epilogue };

/** One step of a plan: `module` alone, or a host with the epilogue of the module after it. */
export interface FusedStep {
  readonly module: Module;
  /** The epilogue the host runs for the next module ('none': the module runs alone). */
  readonly epilogue: Epilogue;
  /** The host's run function when fused. */
  readonly run: ((x: Input, epilogue: Epilogue) => Variable) | null;
}

/**
 * The one place that decides what runs fused: a host directly followed by an epilogue it accepts
 * become one step; everything else runs alone, in order. The result is the same values and
 * gradients as running each layer's forward.
 */
export function planFusion(layers: readonly Module[]): FusedStep[] {
  const plan: FusedStep[] = [];
  for (let i = 0; i < layers.length; i++) {
    const m = layers[i]!, host = m.fusionRole();
    const next = i + 1 < layers.length ? layers[i + 1]!.fusionRole() : null;
    if (host?.kind === 'host' && next?.kind === 'epilogue' && host.epilogues.includes(next.epilogue)) {
      plan.push({ module: m, epilogue: next.epilogue, run: host.run });
      i++;
    } else {
      plan.push({ module: m, epilogue: 'none', run: null });
    }
  }
  return plan;
}

/**
 * A sequence of layers run through its fusion plan. The plan is made once and made again only when
 * a layer has been replaced or a module's role has changed (checked per call: one comparison per
 * layer). The activations it passes between steps are its own: one whose every producer and reader
 * keeps nothing (`Module.forgetsActivations`) is freed once nothing can read it (`freeActivation`),
 * unless it is the sequence's input or output (or a view of either).
 */
export class FusedSequence {
  private layers: readonly Module[] = [];
  private roles: (FusionRole | null)[] = [];
  private plan: FusedStep[] = [];

  /** (input of layers[0]) -> (output of the last layer). */
  run(layers: readonly Module[], x: Input): Variable {
    if (!this.current(layers)) {
      this.layers = layers.slice();
      this.roles = layers.map((m) => m.fusionRole());
      this.plan = planFusion(layers);
    }
    let y: Input = x;
    // the activation passed on now: the first Variable with its buffer (null while it is x's), and
    // whether every step that made or read that buffer keeps nothing
    let held: Variable | null = null, heldFrom: Module | null = null, forgotten = false;
    for (const step of this.plan) {
      const out: Variable = step.run === null ? step.module.forward(y) : step.run(y, step.epilogue);
      const forgets = step.module.forgetsActivations();
      if (bufferOf(out) === bufferOf(y)) {
        // the step passed its input on (a view, or itself): the same activation, one more reader
        forgotten &&= forgets;
      } else {
        if (held !== null && forgotten && forgets) freeActivation(held, freedMessage(heldFrom!));
        held = out;
        heldFrom = step.module;
        forgotten = forgets;
      }
      y = out;
    }
    return y as Variable;
  }

  private current(layers: readonly Module[]): boolean {
    if (layers.length !== this.layers.length) return false;
    for (let i = 0; i < layers.length; i++) {
      if (layers[i] !== this.layers[i] || !sameRole(layers[i]!.fusionRole(), this.roles[i]!)) return false;
    }
    return true;
  }
}

function sameRole(a: FusionRole | null, b: FusionRole | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && (a.kind === 'host' ? b.kind === 'host' && a.epilogues === b.epilogues : b.kind === 'epilogue' && a.epilogue === b.epilogue);
}

function bufferOf(x: Input): ArrayBufferLike {
  return ('storage' in x ? x : x.data).storage.buffer;
}

function freedMessage(from: Module): string {
  return `Sequential: this ${from.constructor.name} output was passed to the next layer and freed once nothing could read it; to read a layer's output, run the layers one by one`;
}
