/** Jest runs the TypeScript sources through ts-jest; suites start their own Jupyter server. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }]
  },
  setupFiles: ['<rootDir>/test/support/quietServices.ts'],
  testTimeout: 60000
};
