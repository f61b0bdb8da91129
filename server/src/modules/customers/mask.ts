// Masking of personal data lives in one place, platform/pii.ts (every JSON response, the exporter and the history
// view go through it); re-exported here for the customer module's serializers.
export {
  canSeePii,
  maskAddress,
  maskBirthDate,
  maskEmail,
  maskField,
  maskIdNumber,
  maskPhone,
  maskPii,
  maskValue,
  PII_FIELDS,
  type PiiKind,
} from '../../platform/pii.ts';
