// WebGPU that is missing, useless or lost: the app runs on WASM and says why in "Compute", and
// the demo model still imports, indexes and finds the official top-1.
//
// The provider is chosen in the inference worker, and Playwright's init scripts do not run in
// workers (microsoft/playwright#28029), so each fault is installed twice: in the page with
// page.addInitScript, and in the worker by routing its module and prepending an import of the
// same code (imports evaluate in order, so it runs before onnxruntime-web or the app touch
// WebGPU).
import { expect, test, type Page, type Worker } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles, importDemoModel } from './demo-app';

type Fault = 'no-webgpu' | 'no-adapter' | 'small-limits' | 'device-refused' | 'lose-device';

/** Runs in the page and in the worker before anything else: breaks WebGPU the way `fault` says. */
function installGpuFault(fault: Fault): void {
  const g = globalThis as any;
  if (fault === 'no-webgpu') {
    for (const scope of [g.WorkerNavigator, g.Navigator]) if (scope?.prototype && 'gpu' in scope.prototype) delete scope.prototype.gpu;
    return;
  }
  if (!g.GPU || !g.GPUAdapter) return;
  const requestAdapter = g.GPU.prototype.requestAdapter;
  const requestDevice = g.GPUAdapter.prototype.requestDevice;
  if (fault === 'no-adapter') g.GPU.prototype.requestAdapter = async () => null;
  if (fault === 'small-limits') {
    // The real adapter, reporting 64 MiB buffers (a ViT-L block needs 128 MiB in one binding).
    g.GPU.prototype.requestAdapter = async function (this: unknown, ...args: unknown[]) {
      const adapter = await requestAdapter.apply(this, args);
      if (!adapter) return adapter;
      const small: Record<string, number> = { maxStorageBufferBindingSize: 64 << 20, maxBufferSize: 64 << 20 };
      const limits = new Proxy(adapter.limits, { get: (t, k) => (typeof k === 'string' && k in small ? small[k] : Reflect.get(t, k)) });
      return new Proxy(adapter, {
        get: (t, k) => {
          if (k === 'limits') return limits;
          const v = Reflect.get(t, k);
          return typeof v === 'function' ? v.bind(t) : v;
        },
      });
    };
  }
  if (fault === 'device-refused') {
    // The adapter says yes, then refuses the device onnxruntime asks for.
    g.GPUAdapter.prototype.requestDevice = async () => {
      throw new DOMException('the adapter cannot grant the required limits', 'OperationError');
    };
  }
  if (fault === 'lose-device') {
    // Keeps the devices onnxruntime creates. After __e2eLoseDeviceInNextRun(), the next readback
    // (the mapAsync at the end of an onnxruntime run) first destroys them: a real loss in the
    // middle of a run (device.lost resolves, the mapAsync rejects).
    const devices: { destroy(): void }[] = [];
    g.GPUAdapter.prototype.requestDevice = async function (this: unknown, ...args: unknown[]) {
      const device = await requestDevice.apply(this, args);
      devices.push(device);
      return device;
    };
    let armed = false;
    g.__e2eLost = 0;
    const mapAsync = g.GPUBuffer.prototype.mapAsync;
    g.GPUBuffer.prototype.mapAsync = function (this: unknown, ...args: unknown[]) {
      if (armed) {
        armed = false;
        for (const d of devices) d.destroy();
        g.__e2eLost = devices.length;
      }
      return mapAsync.apply(this, args);
    };
    g.__e2eLoseDeviceInNextRun = () => (armed = true);
  }
}

async function breakWebGpu(page: Page, fault: Fault): Promise<void> {
  await page.addInitScript(installGpuFault, fault);
  await page.route('**/__e2e/gpu-fault.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: `(${installGpuFault.toString()})(${JSON.stringify(fault)});` }),
  );
  await page.route(/\/engine-worker\.ts\?/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `import '/__e2e/gpu-fault.js';\n${await response.text()}` });
  });
}

function engineWorker(page: Page): Worker {
  const worker = page.workers().find((w) => w.url().includes('engine-worker'));
  if (!worker) throw new Error('the inference worker is not running');
  return worker;
}

const compute = (page: Page) => page.getByLabel('Compute');
const photos = galleryFiles.slice(0, 6);
const query = decisiveQueries(248).find(
  (d) => photos.some((f) => f.endsWith(d.ranking[0]!)) && d.ranking.slice(0, 2).every((r) => photos.some((f) => f.endsWith(r))),
)!;

/** The demo model imports on WASM, the photos index, and the query finds the official top-1. */
async function importIndexSearch(page: Page): Promise<void> {
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(photos);
  await expectStatus(page, `${photos.length} photos indexed (${photos.length} newly embedded)`);
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  await expectTopResult(page, query.ranking[0]!, query.cosine[0]!);
}

const cases: { fault: Fault; title: string; reason: RegExp }[] = [
  { fault: 'no-webgpu', title: 'no navigator.gpu', reason: /this browser has no WebGPU/ },
  { fault: 'no-adapter', title: 'requestAdapter() gives null', reason: /no WebGPU adapter is available/ },
  {
    fault: 'small-limits',
    title: 'the adapter limits are too small',
    reason: /limits are too small \(maxStorageBufferBindingSize 64 MiB, 128 MiB needed; maxBufferSize 64 MiB, 128 MiB needed\)/,
  },
  {
    fault: 'device-refused',
    title: 'the adapter refuses the device',
    reason: /the WebGPU adapter refused a device with the limits the encoders need \(the adapter cannot grant the required limits\)/,
  },
];

for (const c of cases) {
  test(`${c.title}: WASM, with the reason shown, and search works`, async ({ page }) => {
    await breakWebGpu(page, c.fault);
    await page.goto('/');
    // Decided before any model is loaded.
    await expect(compute(page)).toContainText('WASM');
    await expect(compute(page)).toContainText(c.reason);
    await importIndexSearch(page);
    await expect(compute(page)).toContainText('WASM');
    await expect(compute(page)).toContainText(c.reason);
  });
}

test("headless Chromium's only adapter is SwiftShader: WASM by default, saying why; ?provider=webgpu still takes it", async ({ page }) => {
  await page.goto('/');
  await expect(compute(page)).toContainText('WASM');
  await expect(compute(page)).toContainText(/the only WebGPU adapter is a software renderer \(swiftshader\), which runs on the CPU and is slower than WASM/);
  await page.goto('/?provider=webgpu');
  await expect(compute(page)).toContainText('WebGPU');
  await expect(compute(page)).toContainText('forced by ?provider=webgpu');
});

test('the GPU device is lost mid-run: the run is redone on WASM, indexing goes on, and search works', async ({ page }) => {
  await breakWebGpu(page, 'lose-device');
  // SwiftShader is the only adapter here: forced, so that there is a device to lose.
  await page.goto('/?provider=webgpu');
  await expect(compute(page)).toContainText('WebGPU');
  await importDemoModel(page);
  await expect(compute(page)).toContainText('WebGPU');
  await page.getByLabel('Add photos').setInputFiles(galleryFiles.slice(0, 2));
  await expectStatus(page, '2 photos indexed (2 newly embedded)');

  // The next embedding run loses the device while it reads its result back.
  const worker = engineWorker(page);
  await worker.evaluate(() => (globalThis as unknown as { __e2eLoseDeviceInNextRun(): void }).__e2eLoseDeviceInNextRun());
  await page.getByLabel('Add photos').setInputFiles(photos);
  await expectStatus(page, `${photos.length} photos indexed (${photos.length - 2} newly embedded)`);
  expect(await worker.evaluate(() => (globalThis as unknown as { __e2eLost: number }).__e2eLost), 'devices destroyed mid-run').toBeGreaterThan(0);
  await expect(compute(page)).toContainText('WASM');
  await expect(compute(page)).toContainText(/the WebGPU device was lost \(.*\); switched to WASM/);

  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  await expectTopResult(page, query.ranking[0]!, query.cosine[0]!);
});
