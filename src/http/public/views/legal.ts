// Legal pages (/cgv, /mentions-legales, /confidentialite), rendered from the structured texts of
// src/i18n/fr/legal.ts. They are templates: each page says so until the vendor's counsel has approved it.
import { html } from 'ghtml';
import { t, type MessageKey } from '../../../i18n/index.ts';
import { legal } from '../../../i18n/fr/legal.ts';
import { pageLayout } from '../../views/layout.ts';
import { alert } from '../../views/components.ts';
import { pageHero } from './sections.ts';

export type LegalDoc = 'cgv' | 'mentions' | 'privacy';

/** The publisher's details that the texts quote; missing ones show a bracketed placeholder. */
export interface LegalPublisher {
  raisonSociale: string;
  formeJuridique: string;
  capital: string;
  siege: string;
  rcs: string;
  tva: string;
  telephone: string;
  email: string;
  emailDpo: string;
  directeur: string;
  hebergeur: string;
  hebergeurAdresse: string;
  tribunal: string;
  /** How long a trial's data is kept after it ends, in words (« 30 jours »). */
  trialRetention: string;
  updatedAt: string;
}

const publisherFields: (keyof LegalPublisher)[] = [
  'raisonSociale', 'formeJuridique', 'capital', 'siege', 'rcs', 'tva', 'telephone', 'email', 'emailDpo',
  'directeur', 'hebergeur', 'hebergeurAdresse', 'tribunal', 'trialRetention', 'updatedAt',
];

export interface LegalPageOptions {
  doc: LegalDoc;
  publisher?: Partial<LegalPublisher>;
  /** Hides the « template to be reviewed » notice once counsel has approved the texts. */
  approved?: boolean;
}

type Block = { kind: 'p'; key: MessageKey } | { kind: 'ul'; keys: MessageKey[] };
interface Section {
  id: string;
  titleKey: MessageKey;
  blocks: Block[];
}

const PART = /^legal\.(\w+)\.(s\d+)\.(title|p\d+|li\d+)$/;

/** Groups the flat keys of one document into sections of paragraphs and lists, in written order. */
function sectionsOf(doc: LegalDoc): Section[] {
  const sections: Section[] = [];
  for (const key of Object.keys(legal) as MessageKey[]) {
    const m = PART.exec(key);
    if (!m || m[1] !== doc) continue;
    const [, , sid = '', part = ''] = m;
    let section = sections.at(-1);
    if (!section || section.id !== sid) {
      section = { id: sid, titleKey: key, blocks: [] };
      sections.push(section);
    }
    if (part === 'title') section.titleKey = key;
    else if (part.startsWith('p')) section.blocks.push({ kind: 'p', key });
    else {
      const last = section.blocks.at(-1);
      if (last?.kind === 'ul') last.keys.push(key);
      else section.blocks.push({ kind: 'ul', keys: [key] });
    }
  }
  return sections;
}

function params(publisher: Partial<LegalPublisher> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of publisherFields) {
    out[field] = publisher[field] || t(`legal.placeholder.${field}`);
  }
  return out;
}

const titles: Record<LegalDoc, { title: MessageKey; intro: MessageKey; description: MessageKey }> = {
  cgv: { title: 'legal.cgv.title', intro: 'legal.cgv.intro', description: 'legal.cgv.description' },
  mentions: { title: 'legal.mentions.title', intro: 'legal.mentions.intro', description: 'legal.mentions.description' },
  privacy: { title: 'legal.privacy.title', intro: 'legal.privacy.intro', description: 'legal.privacy.description' },
};

export function legalPage(o: LegalPageOptions): string {
  const p = params(o.publisher);
  const keys = titles[o.doc];
  const sections = sectionsOf(o.doc);
  const anchor = (s: Section) => `${o.doc}-${s.id}`;
  const toc = html`<nav class="toc" aria-labelledby="toc-title">
  <h2 class="toc__title" id="toc-title">${t('legal.toc')}</h2>
  <ol>!${sections.map((s) => html`<li><a href="#${anchor(s)}">${t(s.titleKey, p).replace(/^\d+\.\s*/, '')}</a></li>`)}</ol>
</nav>`;
  const content = sections.map(
    (s) => html`<h2 id="${anchor(s)}">${t(s.titleKey, p)}</h2>!${s.blocks.map((b) =>
      b.kind === 'p' ? html`<p>${t(b.key, p)}</p>` : html`<ul>!${b.keys.map((k) => html`<li>${t(k, p)}</li>`)}</ul>`,
    )}`,
  );
  const body = html`!${pageHero({ title: t(keys.title), lead: t('legal.updated', p) })}
<section class="section section--tight">
  <div class="container">
    !${o.approved ? '' : alert({ kind: 'warning', title: t('legal.notice.title'), text: t('legal.notice.text') })}
    <div class="legal-layout">
      !${toc}
      <div class="prose">
        <p class="lead">${t(keys.intro, p)}</p>
        !${content}
      </div>
    </div>
  </div>
</section>`;
  return pageLayout({ title: t(keys.title), description: t(keys.description), body });
}
