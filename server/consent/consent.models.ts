/** Opt-out words in the languages customers write in; matched on the whole message, accents and case folded. */
export const DEFAULT_OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'PARAR', 'PARE', 'SAIR', 'CANCELAR', 'BAJA', 'ALTO', 'ARRÊT', 'ARRETER', 'DESABONNER', 'STOPP', 'ABMELDEN', 'ANNULLA', 'DISISCRIVITI'];
export const DEFAULT_OPT_IN_KEYWORDS = ['START', 'SUBSCRIBE', 'UNSTOP', 'COMEÇAR', 'INICIAR', 'ALTA', 'REPRENDRE', 'ANMELDEN', 'ISCRIVITI'];

/** Upper case without accents, punctuation or spaces: "Arrêt!" and " arret " are both "ARRET". */
export function foldKeyword(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[^\p{L}\p{N}]+/gu, '').toUpperCase();
}

/** A keyword message is short; anything longer is a conversation. */
export const KEYWORD_MAX_LENGTH = 40;

/**
 * What a whole inbound text asks for: 'opted_out' for an opt-out keyword, 'opted_in' for an opt-in one,
 * null for anything else (a sentence that merely contains "stop" is a conversation, not a request).
 */
export function consentKeyword(text: string | null, keywords: { optOut: readonly string[]; optIn: readonly string[] }): 'opted_out' | 'opted_in' | null {
  if (!text || text.length > KEYWORD_MAX_LENGTH) return null;
  const word = foldKeyword(text);
  if (!word) return null;
  if (keywords.optOut.some((k) => foldKeyword(k) === word)) return 'opted_out';
  if (keywords.optIn.some((k) => foldKeyword(k) === word)) return 'opted_in';
  return null;
}
