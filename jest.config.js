/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'platform',
      testEnvironment: 'node',
      transform: {
        '^.+\\.ts$': 'ts-jest',
        // otplib's base32 and HMAC dependencies ship as ES modules only; Jest's CommonJS runtime needs them compiled.
        '/node_modules/(@scure|@noble)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
      },
      transformIgnorePatterns: ['/node_modules/(?!.*/node_modules/)(?!(@scure|@noble)/)'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/mini-program/', '/console/'],
    },
    {
      // The WeChat mini-program: plain JS components and pages rendered by miniprogram-simulate in jsdom.
      displayName: 'mini-program',
      rootDir: '<rootDir>/mini-program',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/**/*.test.js'],
      setupFiles: ['<rootDir>/test/support/setup.js'],
      transform: {},
    },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
};
