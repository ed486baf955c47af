/**
 * Module: a node of the parameter tree. A module's fields are its children, so a parameter's name is
 * its field path — `encoder.layer.3.attention.self.query.weight` — exactly the Hugging Face state-dict
 * key. Arrays of modules are numbered. A parameter reachable by two paths (tied weights) is listed once,
 * under the first path, unless `includeTied` asks for every path.
 */
import { allocFloat, type FloatDType } from "../tensor/tensor.js";
import { Parameter } from "./parameter.js";

export abstract class Module {
  /** Training mode (dropout active). Set through `train()` / `eval()` on the root. */
  training = true;

  /** Named parameters in declaration order. */
  namedParameters(options: { includeTied?: boolean } = {}): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [field, value] of Object.entries(module)) {
        if (!(value instanceof Parameter)) continue;
        if (seen.has(value) && options.includeTied !== true) continue;
        seen.add(value);
        out.push([prefix === "" ? field : `${prefix}.${field}`, value]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** This module and every descendant, with their paths ("" for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    const join = (name: string): string => (prefix === "" ? name : `${prefix}.${name}`);
    for (const [field, value] of Object.entries(this)) {
      if (value instanceof Module) out.push(...value.namedModules(join(field)));
      else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (item instanceof Module) out.push(...item.namedModules(join(`${field}.${i}`)));
        });
      }
    }
    return out;
  }

  /**
   * Calls `fn` on this module and every descendant, as namedModules visits them but without building their paths:
   * pipelines set eval mode before every call, where the paths' strings and arrays cost more than the walk.
   */
  forEachModule(fn: (module: Module) => void): void {
    fn(this);
    for (const value of Object.values(this)) {
      if (value instanceof Module) value.forEachModule(fn);
      else if (Array.isArray(value)) {
        for (const item of value) if (item instanceof Module) item.forEachModule(fn);
      }
    }
  }

  train(mode = true): this {
    this.forEachModule((m) => {
      m.training = mode;
    });
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Converts every parameter to `dtype` in place (float64 is for gradient checks on the reference backend). */
  toDtype(dtype: FloatDType): this {
    for (const p of this.parameters()) {
      if (p.dtype === dtype) continue;
      const data = allocFloat(dtype, p.size);
      data.set(p.data);
      p.data = data;
      p.grad = null;
    }
    return this;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Number of trainable values (tied parameters counted once). */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }
}
