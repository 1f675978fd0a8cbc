/** The decision tree: rules as data, evidence, recipes, hyperparameter derivation and the engine. */
export { candidateEstimateInput, recommend, DEFAULT_CANDIDATES } from './engine';
export { formatBytes, formatCount } from '../units';
export { EVIDENCE, cite, isEvidenceId, type Evidence, type EvidenceId, type EvidenceKind, type CitedEvidence } from './evidence';
export { CANDIDATE_RULES, JOB_RULES, FAMILY_DEFAULT, LARGE_BATCH, WEIGHT } from './rules';
export { RECIPES, GPT3_LR_BY_SIZE, QLORA_LR_BY_SIZE, type Recipe } from './recipes';
export { deriveHyperparameters, selectRecipe, LION_FACTOR, type CatalogFacts, type DerivationInput, type DerivedHyperparameters } from './hyperparameters';
export { STRATEGIES } from './strategies';
export { evaluate } from './predicate';
export * from './types';
