// Message texts and WhatsApp message ids for bench/scale-seed: the lengths people actually send (mostly
// short, some paragraphs), in Portuguese and English, with the words the CRM bench searches for.
import { WORDS } from './crm-cases.js';

const SHORT = ['ok', 'Ok 👍', 'obrigado!', 'Obrigada', 'thanks', 'sim', 'não', 'yes please', 'perfeito', 'bom dia', 'boa tarde', '👍', '🙏', 'Olá!', 'até amanhã', 'combinado', 'ok, fico a aguardar', 'great, thank you'];
const FILLER =
  'the a to and is it for you we can my your our this that with will be on at have please when what olá bom dia boa tarde obrigado por favor quando onde ainda já hoje amanhã pedido encomenda entrega preço tamanho cor morada pagamento fatura recibo loja semana pode podem consigo preciso queria gostaria também mas então sim não muito pouco novo nova'.split(' ');

/** One message text: 30 % short replies, 50 % a sentence or two, 15 % a paragraph, 5 % a long one. */
export function messageText(rand: () => number, pick: <T>(xs: readonly T[]) => T): string {
  const roll = rand();
  if (roll < 0.3) return pick(SHORT);
  const words = roll < 0.8 ? 5 + Math.floor(rand() * 20) : roll < 0.95 ? 25 + Math.floor(rand() * 50) : 75 + Math.floor(rand() * 120);
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(rand() < 0.15 ? pick(WORDS) : pick(FILLER));
  if (rand() < 0.2) out.push(`#${Math.floor(rand() * 100_000)}`);
  const text = out.join(' ');
  return text[0]!.toUpperCase() + text.slice(1) + (rand() < 0.3 ? '?' : '.');
}

/** A Cloud API message id of the usual length (`wamid.` + 44 base64 characters), from 24 random bytes. */
export function wamid(random: Buffer): string {
  return `wamid.HBgM${random.toString('base64').slice(0, 40)}`;
}
