// Public commercial site: navigation, pages, footer.
export const site = {
  'site.brand': 'ERP BTP',
} as const;
