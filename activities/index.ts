export * from './ports';
export * from './session-activities';
