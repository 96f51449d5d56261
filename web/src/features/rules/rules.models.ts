/**
 * Pure helpers for automation rules: triggers, conditions and actions in words, the rule form ↔ API shape,
 * validation (the same regex and cron parsers as the server), ready-made examples and the run log's chips.
 */
export * from './rules.text';
export * from './rules.form';
export * from './rules.validate';
