// The Precision select: checkpoints converted to float16 or to int8, with what each means.
import { useModelStore, type Precision } from '../state/model-store';

/** How checkpoints are converted: float16, or int8 for speed on the CPU (WASM). */
export function PrecisionSelect() {
  const precision = useModelStore((s) => s.precision);
  const setPrecision = useModelStore((s) => s.setPrecision);
  const busy = useModelStore((s) => s.task !== null);

  return (
    <div className="model-group">
      <label className="field">
        <span>Precision</span>
        <select value={precision} disabled={busy} onChange={(e) => setPrecision(e.currentTarget.value as Precision)} aria-describedby="precision-hint">
          <option value="float16">Standard (float16)</option>
          <option value="int8">Fast on CPU (int8)</option>
        </select>
      </label>
      <p id="precision-hint" className="hint">
        {precision === 'int8'
          ? 'int8 models are a third of the size and embed about 2.5 times as fast without WebGPU; scores can move by a few thousandths. Each precision keeps its own index.'
          : 'Applies to models you download or import from a checkpoint. Choose int8 to index faster on a computer without WebGPU.'}
      </p>
    </div>
  );
}
