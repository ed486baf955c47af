/** Embedding lookup: rows of a (V, C) table picked by int32 ids of any shape → (...ids, C). */
import { kernelsFor } from "../../backend/registry.js";
import { InputError } from "../../errors.js";
import { record } from "../autograd.js";
import { fmt } from "../shape.js";
import { allocFloat, allocOutput, Tensor } from "../tensor.js";

export function embedding(table: Tensor, ids: Tensor): Tensor {
  const dtype = table.floatDType;
  if (table.rank !== 2) throw new InputError(`embedding: table must be 2-D (V, C), got ${fmt(table.shape)}`);
  const [vocab, dim] = table.shape;
  const idData = ids.ints("embedding");
  for (let i = 0; i < idData.length; i++) {
    const id = idData[i];
    if (id < 0 || id >= vocab) throw new InputError(`embedding: id ${id} at flat position ${i} is outside the table's ${vocab} rows`);
  }
  const kern = kernelsFor(dtype);
  const out = allocOutput(dtype, idData.length * dim);
  kern.gather(table.floats("embedding"), dim, idData, out);
  return record(new Tensor(out, [...ids.shape, dim]), "embedding", [table], (g) => {
    const gTable = allocFloat(dtype, table.size);
    kern.scatterAdd(g, dim, idData, gTable);
    return [gTable];
  });
}
