export * from './ports';
export * from './session-activities';
export * from './pile-command-activities';
