// Reusable view components: typed functions returning HTML strings (ghtml escapes every `${}`;
// `!${}` is used only for HTML produced by other `html` calls in this folder).
// Field conventions: the control has id `field-<name>` (the error summary links to it), hint and error
// get ids `field-<name>-hint` / `field-<name>-error` and are referenced by `aria-describedby`.
import { html } from 'ghtml';
import { t } from '../../i18n/index.ts';
import { icon, type IconName } from './icons.ts';

export interface FieldError {
  field: string;
  message: string;
  /** The field's label, shown before the message in the summary (« Entreprise : Ce champ est obligatoire. »). */
  label?: string;
}

export const fieldId = (name: string): string => `field-${name}`;

function describedBy(name: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : '', error ? `${fieldId(name)}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function hintHtml(name: string, hint?: string): string {
  return hint ? html`<p class="field__hint" id="${fieldId(name)}-hint">${hint}</p>` : '';
}

function errorHtml(name: string, error?: string): string {
  if (!error) return '';
  return html`<p class="field__error" id="${fieldId(name)}-error">!${icon('error')}<span><span class="visually-hidden">${t('site.ui.errorPrefix')} </span>${error}</span></p>`;
}

function labelText(label: string, required: boolean, showOptional: boolean): string {
  return showOptional && !required
    ? html`${label} <span class="field__optional">${t('site.ui.optional')}</span>`
    : html`${label}`;
}

function fieldClass(error?: string, extra = ''): string {
  return ['field', error ? 'field--error' : '', extra].filter(Boolean).join(' ');
}

export interface TextFieldOptions {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  type?: 'text' | 'email' | 'tel' | 'password' | 'url' | 'number' | 'search' | 'date';
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  maxLength?: number;
  inputMode?: 'text' | 'email' | 'tel' | 'numeric' | 'decimal' | 'url' | 'search' | 'none';
  /** Adds « (facultatif) » after the label when the field is not required. */
  showOptional?: boolean;
  spellcheck?: boolean;
  autocapitalize?: 'off' | 'none' | 'sentences' | 'words' | 'characters';
  /** Extra class on the input, e.g. `input--short`. */
  inputClass?: string;
}

export function textField(o: TextFieldOptions): string {
  const id = fieldId(o.name);
  const required = o.required ?? false;
  return html`<div class="${fieldClass(o.error)}">
  <label class="field__label" for="${id}">!${labelText(o.label, required, o.showOptional ?? false)}</label>
  !${hintHtml(o.name, o.hint)}!${errorHtml(o.name, o.error)}
  <input class="${o.inputClass ? `input ${o.inputClass}` : 'input'}" id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"!${attr('autocomplete', o.autocomplete)}!${attr('inputmode', o.inputMode)}!${attr('maxlength', o.maxLength)}!${attr('spellcheck', o.spellcheck === undefined ? undefined : String(o.spellcheck))}!${attr('autocapitalize', o.autocapitalize)}!${attr('aria-describedby', describedBy(o.name, o.hint, o.error))}!${o.error ? ' aria-invalid="true"' : ''}!${required ? ' required' : ''}>
</div>`;
}

export interface TextareaFieldOptions {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  maxLength?: number;
  rows?: number;
}

export function textareaField(o: TextareaFieldOptions): string {
  const id = fieldId(o.name);
  return html`<div class="${fieldClass(o.error)}">
  <label class="field__label" for="${id}">${o.label}</label>
  !${hintHtml(o.name, o.hint)}!${errorHtml(o.name, o.error)}
  <textarea class="textarea" id="${id}" name="${o.name}" rows="${o.rows ?? 6}"!${attr('maxlength', o.maxLength)}!${attr('aria-describedby', describedBy(o.name, o.hint, o.error))}!${o.error ? ' aria-invalid="true"' : ''}!${o.required ? ' required' : ''}>${o.value ?? ''}</textarea>
</div>`;
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectFieldOptions {
  name: string;
  label: string;
  options: SelectOption[];
  value?: string | undefined;
  error?: string | undefined;
  required?: boolean;
  hint?: string;
  /** First, empty option (« Choisissez… » by default); pass `false` to omit it. */
  placeholder?: string | false;
}

export function selectField(o: SelectFieldOptions): string {
  const id = fieldId(o.name);
  const placeholder = o.placeholder === false ? '' : html`<option value="">${o.placeholder ?? t('site.ui.choose')}</option>`;
  const options = o.options.map(
    (opt) => html`<option value="${opt.value}"!${opt.value === o.value ? ' selected' : ''}>${opt.label}</option>`,
  );
  return html`<div class="${fieldClass(o.error)}">
  <label class="field__label" for="${id}">${o.label}</label>
  !${hintHtml(o.name, o.hint)}!${errorHtml(o.name, o.error)}
  <select class="select" id="${id}" name="${o.name}"!${attr('aria-describedby', describedBy(o.name, o.hint, o.error))}!${o.error ? ' aria-invalid="true"' : ''}!${o.required ? ' required' : ''}>!${placeholder}!${options}</select>
</div>`;
}

export interface CheckboxFieldOptions {
  name: string;
  /** Plain-text label (escaped). */
  label?: string;
  /** Label containing markup (e.g. a link), built with `html` by the caller: inserted as is. */
  labelHtml?: string;
  checked?: boolean;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  value?: string;
}

export function checkboxField(o: CheckboxFieldOptions): string {
  const id = fieldId(o.name);
  const label = o.labelHtml ?? html`${o.label ?? ''}`;
  return html`<div class="${fieldClass(o.error)}">
  !${errorHtml(o.name, o.error)}
  <div class="checkbox">
    <input id="${id}" name="${o.name}" type="checkbox" value="${o.value ?? 'on'}"!${o.checked ? ' checked' : ''}!${attr('aria-describedby', describedBy(o.name, o.hint, o.error))}!${o.error ? ' aria-invalid="true"' : ''}!${o.required ? ' required' : ''}>
    <label for="${id}">!${label}</label>
  </div>
  !${hintHtml(o.name, o.hint)}
</div>`;
}

export interface ChoiceCardOption {
  value: string;
  title: string;
  meta?: string;
  price?: string;
}

export interface ChoiceCardsOptions {
  name: string;
  legend: string;
  options: ChoiceCardOption[];
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
}

/** A radio group drawn as cards. The first radio carries `field-<name>` so the error summary can reach it. */
export function choiceCards(o: ChoiceCardsOptions): string {
  const cards = o.options.map((opt, i) => {
    const id = i === 0 ? fieldId(o.name) : `${fieldId(o.name)}-${opt.value}`;
    return html`<label class="choice-card" for="${id}">
    <input type="radio" id="${id}" name="${o.name}" value="${opt.value}"!${opt.value === o.value ? ' checked' : ''}!${o.required ? ' required' : ''}>
    <span><span class="choice-card__title">${opt.title}</span>!${opt.price ? html`<span class="choice-card__price">${opt.price}</span>` : ''}!${opt.meta ? html`<span class="choice-card__meta">${opt.meta}</span>` : ''}</span>
  </label>`;
  });
  return html`<fieldset class="${fieldClass(o.error)}"!${attr('aria-describedby', describedBy(o.name, o.hint, o.error))}>
  <legend class="field__label">${o.legend}</legend>
  !${hintHtml(o.name, o.hint)}!${errorHtml(o.name, o.error)}
  <div class="choice-cards">!${cards}</div>
</fieldset>`;
}

export function hiddenField(name: string, value: string): string {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

export function csrfField(token: string): string {
  return hiddenField('_csrf', token);
}

/**
 * A field humans never see nor reach: bots that fill every input give themselves away.
 * Off screen (not display:none, which some bots detect), out of the tab order, hidden from screen readers.
 */
export function honeypotField(name = 'site_web'): string {
  const id = fieldId(name);
  return html`<div class="hp" aria-hidden="true">
  <label for="${id}">${t('site.ui.honeypot')}</label>
  <input type="text" id="${id}" name="${name}" value="" tabindex="-1" autocomplete="off">
</div>`;
}

/** Error summary at the top of a form: announced on load, each item links to its field. */
export function errorSummary(errors: FieldError[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((e) => {
    const text = e.label ? t('site.ui.errorSummary.item', { label: e.label, message: e.message }) : e.message;
    return html`<li><a href="#${fieldId(e.field)}">${text}</a></li>`;
  });
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
  <h2 class="error-summary__title" id="error-summary-title">!${icon('error')}${t('site.ui.errorSummary.title')}</h2>
  <ul class="error-summary__list">!${items}</ul>
</div>`;
}

/**
 * Turns a `{ field: message }` map into summary items, in the order the fields appear on the page,
 * each labelled so that identical messages (« Ce champ est obligatoire. ») stay distinguishable.
 */
export function orderedErrors(
  errors: Partial<Record<string, string>>,
  order: readonly string[],
  labels: Partial<Record<string, string>> = {},
): FieldError[] {
  const fields = [...order.filter((f) => errors[f]), ...Object.keys(errors).filter((f) => !order.includes(f) && errors[f])];
  return fields.map((f) => {
    const label = labels[f];
    return label ? { field: f, message: errors[f] ?? '', label } : { field: f, message: errors[f] ?? '' };
  });
}

export type AlertKind = 'info' | 'success' | 'warning' | 'error';

const alertIcons: Record<AlertKind, IconName> = { info: 'info', success: 'checkCircle', warning: 'warning', error: 'error' };

export interface AlertOptions {
  kind: AlertKind;
  title?: string;
  text?: string;
  /** Extra body markup built with `html`. */
  bodyHtml?: string;
  /** Announce to screen readers when shown (role alert for errors and warnings, status otherwise). */
  live?: boolean;
}

export function alert(o: AlertOptions): string {
  const role = o.live ? (o.kind === 'error' || o.kind === 'warning' ? 'alert' : 'status') : undefined;
  return html`<div class="alert alert--${o.kind}"!${attr('role', role)}>
  !${icon(alertIcons[o.kind])}
  <div class="alert__body">!${o.title ? html`<p class="alert__title">${o.title}</p>` : ''}!${o.text ? html`<p>${o.text}</p>` : ''}!${o.bodyHtml ?? ''}</div>
</div>`;
}

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'link';

export interface ButtonOptions {
  label: string;
  /** Renders a link styled as a button. */
  href?: string;
  type?: 'submit' | 'button' | 'reset';
  variant?: ButtonVariant;
  size?: 'sm' | 'md' | 'lg';
  block?: boolean;
  name?: string;
  value?: string;
  icon?: IconName;
  /** Extra classes. */
  className?: string;
}

export function button(o: ButtonOptions): string {
  const classes = [
    'btn',
    `btn--${o.variant ?? 'primary'}`,
    o.size && o.size !== 'md' ? `btn--${o.size}` : '',
    o.block ? 'btn--block' : '',
    o.className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  const content = html`${o.label}!${o.icon ? icon(o.icon) : ''}`;
  if (o.href !== undefined) return html`<a class="${classes}" href="${o.href}">!${content}</a>`;
  return html`<button class="${classes}" type="${o.type ?? 'submit'}"!${attr('name', o.name)}!${attr('value', o.value)}>!${content}</button>`;
}

export type BadgeKind = 'neutral' | 'info' | 'success' | 'warning' | 'error' | 'brand';

export function badge(o: { kind?: BadgeKind; text: string }): string {
  const kind = o.kind && o.kind !== 'neutral' ? ` badge--${o.kind}` : '';
  return html`<span class="badge!${kind}">${o.text}</span>`;
}

export type StepState = 'done' | 'active' | 'pending' | 'failed' | 'skipped';

export interface StepItem {
  label: string;
  state: StepState;
  detail?: string;
  /** Stable id, for pages that update steps live. */
  id?: string;
}

const stepIcons: Partial<Record<StepState, IconName>> = { done: 'check', failed: 'close' };

/** An ordered list of steps (deployment tracking): state is in the markup, the CSS draws it. */
export function stepList(steps: StepItem[], label?: string): string {
  const items = steps.map((s) => {
    const stepIcon = stepIcons[s.state];
    return html`<li class="step" data-state="${s.state}"!${attr('id', s.id)}!${s.state === 'active' ? ' aria-current="step"' : ''}>
    <span class="step__marker" aria-hidden="true">!${stepIcon ? icon(stepIcon) : ''}</span>
    <span><span class="step__label">${s.label}<span class="visually-hidden"> (${t(`site.ui.step.${s.state}`)})</span></span>!${s.detail ? html`<span class="step__detail">${s.detail}</span>` : ''}</span>
  </li>`;
  });
  return html`<ol class="steps"!${attr('aria-label', label)}>!${items}</ol>`;
}

/** ` name="value"`, escaped; nothing when the value is undefined. */
export function attr(name: string, value: string | number | undefined): string {
  return value === undefined || value === '' ? '' : html` ${name}="${String(value)}"`;
}
