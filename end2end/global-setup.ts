// The server answers /healthz as soon as it listens; wait until its database is ready
// too, so the first test does not race the embedded PostgreSQL start-up.
export default async function globalSetup() {
  const port = process.env.PORTCULLIS_E2E_PORT ?? '3100';
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('portcullis did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
