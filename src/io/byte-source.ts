import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { FormatError, InputError } from "../errors.js";

/**
 * Random access to the bytes of a file or an in-memory buffer. Reads always return a fresh,
 * caller-owned Uint8Array at byteOffset 0, so decoders may reinterpret or mutate it, and never
 * alias the caller's buffer (a Node Buffer may live at any offset inside a shared pool).
 */
export interface ByteSource {
  readonly length: number;
  /** `length` bytes from `position`; the caller has checked the range against `this.length`. */
  read(position: number, length: number): Uint8Array;
}

export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    length: bytes.length,
    read(position, length) {
      const out = new Uint8Array(length);
      out.set(bytes.subarray(position, position + length));
      return out;
    },
  };
}

/**
 * Opens `path`, hands a source over it to `use`, and closes it. Reading tensor by tensor keeps
 * peak memory at the size of the tensors rather than tensors plus the whole file.
 */
export function withFileByteSource<T>(path: string, use: (source: ByteSource) => T): T {
  const fd = openForReading(path);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputError(`${path}: not a regular file`);
    return use({
      length: stats.size,
      read(position, length) {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, position + done);
          if (n === 0) {
            throw new FormatError(
              `${path}: the file ended at byte ${position + done} while reading ${length} bytes at byte ${position}; ` +
                "was it modified while being read? Read it again once it is complete.",
            );
          }
          done += n;
        }
        return out;
      },
    });
  } finally {
    closeSync(fd);
  }
}

function openForReading(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot open ${path} for reading: ${reason}`, { cause: error });
  }
}
