// The globals @web/test-runner's mocha provides in the browser (no @types/mocha needed for these few).
declare function describe(name: string, body: (this: unknown) => void): void;
declare function it(name: string, body: (this: unknown) => void | Promise<void>): void;
declare function beforeEach(body: () => void | Promise<void>): void;
declare function afterEach(body: () => void | Promise<void>): void;
