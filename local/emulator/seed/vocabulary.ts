/** Word lists the seed draws from. Names include non-ASCII letters on purpose (sorting, search, email folding). */
export const GIVEN_NAMES = [
  'Ada',
  'Björn',
  'Chloé',
  'Dmitri',
  'Élodie',
  'Fatima',
  'Gonçalo',
  'Hana',
  'Ines',
  'José',
  'Kaito',
  'Léa',
  'Łukasz',
  'Maëlle',
  'Nuño',
  'Oskar',
  'Priya',
  'Quentin',
  'Renée',
  'Søren',
  'Tomás',
  'Ümit',
  'Vera',
  'Wiktoria',
  'Xavier',
  'Yusuf',
  'Zoë',
  'Amara',
  'Bruno',
  'Camille',
  'Dalia',
  'Emil',
  'Freya',
  'Gustavo',
  'Helga',
  'Ivan',
  'Jürgen',
  'Kamala',
  'Lars',
  'Mateo',
  'Noémie',
  'Olga',
  'Pablo',
  'Rosa',
  'Sven',
  'Thiago',
  'Ulla',
  'Wei',
];

export const FAMILY_NAMES = [
  'Lovelace',
  'Müller',
  'García',
  'Nakamura',
  'Kowalski',
  'Dubois',
  'Øvergaard',
  'Núñez',
  'Papadopoulos',
  'Şahin',
  'Andersson',
  'Rossi',
  'Silva',
  'Novák',
  'Ferreira',
  'Lindqvist',
  'Ó Briain',
  'Czerwińska',
  'Mendoza',
  'Fischer',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kim',
  'Laurent',
  'Moreau',
  'Nguyen',
  'Okafor',
  'Petrović',
  'Quispe',
  'Reyes',
  'Schäfer',
  'Tanaka',
  'Umarov',
  'Varga',
  'Weiß',
  'Yılmaz',
  'Zieliński',
  'Brontë',
  'Čapek',
];

export const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'People',
  'Legal',
  'Support',
  'Operations',
  'Research',
  'Design',
];

export const TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Lead', 'Manager', 'Director', 'Principal'];

export const BUILDINGS = [
  { buildingId: 'BER-1', city: 'Berlin' },
  { buildingId: 'LIS-2', city: 'Lisboa' },
  { buildingId: 'KRK-1', city: 'Kraków' },
  { buildingId: 'MTL-3', city: 'Montréal' },
];

export const TEAM_WORDS = [
  'alpha',
  'atlas',
  'beacon',
  'comet',
  'delta',
  'ember',
  'fjord',
  'harbor',
  'kite',
  'lumen',
  'nova',
  'orbit',
  'pixel',
  'quartz',
  'river',
  'summit',
  'tundra',
  'vertex',
];

/** ASCII local part for an email address: "Łukasz Ó Briain" → "lukasz.obriain". */
export function emailLocalPart(...words: string[]): string {
  return words
    .map((word) =>
      word
        .replace(/[łŁ]/g, 'l')
        .replace(/[øØ]/g, 'o')
        .replace(/ß/g, 'ss')
        .replace(/ı/g, 'i')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, ''),
    )
    .join('.');
}
