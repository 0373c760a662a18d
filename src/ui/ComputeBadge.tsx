// The Compute badge: which provider runs the model (WebGPU or WASM, float16, threads) and why.
import { useModelStore } from '../state/model-store';

/** Which execution provider runs the model, and why. */
export function ComputeBadge() {
  const compute = useModelStore((s) => s.compute);
  const ready = useModelStore((s) => s.ready);

  if (!compute) {
    return (
      <div className="compute-badge" role="group" aria-label="Compute">
        <span className="badge muted">{ready ? 'Unavailable' : 'Checking…'}</span>
      </div>
    );
  }
  const provider = compute.provider === 'webgpu' ? 'WebGPU' : 'WASM';
  return (
    <div className="compute-badge" role="group" aria-label="Compute">
      <span className={`badge ${compute.provider}`}>
        {provider}
        {compute.compute === 'float16' && ' · float16'}
        {compute.provider === 'wasm' && ` · ${compute.wasmThreads} ${compute.wasmThreads === 1 ? 'thread' : 'threads'}`}
      </span>
      {/* The reason is technical (adapters, limits, shader features): there for those who ask. */}
      <details className="compute-reason">
        <summary>Why</summary>
        <p>{compute.reason}</p>
      </details>
    </div>
  );
}
