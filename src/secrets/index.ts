export {
  MIN_SECRET_LENGTH,
  REDACTION_MASK,
  Redactor,
  isSecretName,
  redactCredentialPositions,
} from './redactor.ts';
export { loadedSecrets, projectRedactor } from './loaded-secrets.ts';
