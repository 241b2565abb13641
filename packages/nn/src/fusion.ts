import { cat, freeActivation, type Variable, type Input } from '@tapegrad/autograd';
import { kernels, type Epilogue, type Tensor } from '@tapegrad/tensor';
import type { Module } from './Module.js';

/**
 * What a module brings to fusion, declared by the module itself (`Module.fusionRole`):
 * - a host runs its forward and then an epilogue in the same kernel pass (Conv2d, batch norm); a
 *   host with `outputShape` can also write its output into a part of a larger tensor (`into`, a view
 *   of that shape from `catTarget`), so branches concatenated after it copy nothing (`FusedConcat`);
 * - an epilogue is an activation a host can run for it (ReLU).
 * A module whose forward has been replaced (by a subclass or on the instance) declares nothing, so
 * it always runs on its own.
 */
export type FusionRole =
  | {
    readonly kind: 'host';
    readonly epilogues: readonly Epilogue[];
    readonly run: (x: Input, epilogue: Epilogue, into?: Tensor | null) => Variable;
    /** The output's shape for an input of shape `x`, where the host can write into a view (else null). */
    readonly outputShape?: (x: readonly number[]) => readonly number[] | null;
  }
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

  /** The plan for `layers` (made again only when they or their roles changed). */
  planFor(layers: readonly Module[]): readonly FusedStep[] {
    if (!this.current(layers)) {
      this.layers = layers.slice();
      this.roles = layers.map((m) => m.fusionRole());
      this.plan = planFusion(layers);
    }
    return this.plan;
  }

  /** (input of layers[0]) -> (output of the last layer). */
  run(layers: readonly Module[], x: Input): Variable {
    this.planFor(layers);
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

/**
 * Branches over one input whose outputs are concatenated on channels (dim 1 of (N, C, H, W)):
 * SqueezeNet's Fire expand layers. Where every branch's plan is one step of a host that can place
 * its output (`outputShape`: a convolution, with its activation fused or alone) and the outputs
 * differ only in channels, each host writes into its channels of one tensor (`catTarget`), and the
 * concatenation is that tensor: nothing is copied forward, and backward each host reads its part of
 * the gradient in place. Otherwise each branch runs through its own FusedSequence and the outputs are
 * concatenated (a branch output whose every layer keeps nothing is then freed once nothing can read
 * it). The same values and gradients either way.
 */
export class FusedConcat {
  private readonly sequences: FusedSequence[] = [];

  /** (N, C, H, W) -> (N, sum of the branches' channels, Ho, Wo). */
  run(branches: readonly (readonly Module[])[], x: Input): Variable {
    const sequences = branches.map((_, i) => (this.sequences[i] ??= new FusedSequence()));
    const placed = this.placed(branches, sequences, x);
    if (placed !== null) return placed;
    const outs = branches.map((layers, i) => sequences[i]!.run(layers, x));
    const out = cat(outs, 1);
    branches.forEach((layers, i) => {
      if (bufferOf(outs[i]!) !== bufferOf(x) && layers.every((m) => m.forgetsActivations())) {
        freeActivation(outs[i]!, `FusedConcat: this branch's output (its last layer ${layers[layers.length - 1]!.constructor.name}) was concatenated and freed once nothing could read it; to read it, run the branch's layers one by one`);
      }
    });
    return out;
  }

  /** The concatenation with each branch's one host writing into its channels; null where that cannot be. */
  private placed(branches: readonly (readonly Module[])[], sequences: readonly FusedSequence[], x: Input): Variable | null {
    if (x.shape.length !== 4 || branches.length === 0) return null;
    const hosts: { run: (x: Input, epilogue: Epilogue, into?: Tensor | null) => Variable; epilogue: Epilogue; shape: readonly number[] }[] = [];
    for (let i = 0; i < branches.length; i++) {
      const plan = sequences[i]!.planFor(branches[i]!);
      if (plan.length !== 1) return null;
      const step = plan[0]!, role = step.module.fusionRole();
      if (role?.kind !== 'host' || role.outputShape === undefined) return null;
      const shape = role.outputShape(x.shape);
      const first = hosts[0]?.shape;
      if (shape === null || shape.length !== 4 || (first !== undefined && (shape[0] !== first[0] || shape[2] !== first[2] || shape[3] !== first[3]))) return null;
      hosts.push({ run: role.run, epilogue: step.epilogue, shape });
    }
    const s0 = hosts[0]!.shape, channels = hosts.map((h) => h.shape[1]!);
    const parts = kernels.catTarget([s0[0]!, channels.reduce((a, b) => a + b, 0), s0[2]!, s0[3]!], 1, channels);
    const outs = hosts.map((h, i) => h.run(x, h.epilogue, parts[i]!));
    const out = cat(outs, 1);
    // the hosts' ops may have saved their parts (a ReLU's output): whatever frees the concatenation
    // after its backward waits for theirs
    out.gradFn?.ctx.sharedWith(outs.flatMap((o) => (o.gradFn === null ? [] : [o.gradFn.ctx])));
    return out;
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
