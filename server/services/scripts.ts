/**
 * Which writing systems a piece of text mixes, after UTS #39 ("Unicode Security Mechanisms"),
 * section 5.2, restriction level Highly Restrictive: one script, or one of the combinations that
 * Chinese, Japanese and Korean text use every day. Digits, punctuation and combining marks
 * (scripts Common and Inherited) go with any script. The Unicode property escapes of RegExp know
 * every character's script, so no table of characters is needed here.
 */

/**
 * Every script of Unicode 16, by the name `\p{Script=…}` takes, the usual ones first. An engine
 * with an older Unicode refuses the newest names: those are left out, and their letters are as
 * unknown to it as unassigned code points are (text in them counts as mixed).
 */
const SCRIPT_NAMES = [
  'Latin', 'Cyrillic', 'Greek', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Arabic', 'Hebrew', 'Devanagari', 'Thai',
  'Armenian', 'Georgian', 'Bengali', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Gujarati', 'Gurmukhi', 'Oriya',
  'Sinhala', 'Khmer', 'Lao', 'Myanmar', 'Ethiopic', 'Tibetan', 'Mongolian', 'Thaana', 'Syriac', 'Bopomofo',
  'Adlam', 'Ahom', 'Anatolian_Hieroglyphs', 'Avestan', 'Balinese', 'Bamum', 'Bassa_Vah', 'Batak', 'Bhaiksuki',
  'Brahmi', 'Braille', 'Buginese', 'Buhid', 'Canadian_Aboriginal', 'Carian', 'Caucasian_Albanian', 'Chakma', 'Cham',
  'Cherokee', 'Chorasmian', 'Coptic', 'Cuneiform', 'Cypriot', 'Cypro_Minoan', 'Deseret', 'Dives_Akuru', 'Dogra',
  'Duployan', 'Egyptian_Hieroglyphs', 'Elbasan', 'Elymaic', 'Garay', 'Glagolitic', 'Gothic', 'Grantha',
  'Gunjala_Gondi', 'Gurung_Khema', 'Hanifi_Rohingya', 'Hanunoo', 'Hatran', 'Imperial_Aramaic',
  'Inscriptional_Pahlavi', 'Inscriptional_Parthian', 'Javanese', 'Kaithi', 'Kawi', 'Kayah_Li', 'Kharoshthi',
  'Khitan_Small_Script', 'Khojki', 'Khudawadi', 'Kirat_Rai', 'Lepcha', 'Limbu', 'Linear_A', 'Linear_B', 'Lisu',
  'Lycian', 'Lydian', 'Mahajani', 'Makasar', 'Mandaic', 'Manichaean', 'Marchen', 'Masaram_Gondi', 'Medefaidrin',
  'Meetei_Mayek', 'Mende_Kikakui', 'Meroitic_Cursive', 'Meroitic_Hieroglyphs', 'Miao', 'Modi', 'Mro', 'Multani',
  'Nabataean', 'Nag_Mundari', 'Nandinagari', 'New_Tai_Lue', 'Newa', 'Nko', 'Nushu', 'Nyiakeng_Puachue_Hmong',
  'Ogham', 'Ol_Chiki', 'Ol_Onal', 'Old_Hungarian', 'Old_Italic', 'Old_North_Arabian', 'Old_Permic', 'Old_Persian',
  'Old_Sogdian', 'Old_South_Arabian', 'Old_Turkic', 'Old_Uyghur', 'Osage', 'Osmanya', 'Pahawh_Hmong', 'Palmyrene',
  'Pau_Cin_Hau', 'Phags_Pa', 'Phoenician', 'Psalter_Pahlavi', 'Rejang', 'Runic', 'Samaritan', 'Saurashtra',
  'Sharada', 'Shavian', 'Siddham', 'SignWriting', 'Sogdian', 'Sora_Sompeng', 'Soyombo', 'Sundanese', 'Sunuwar',
  'Syloti_Nagri', 'Tagalog', 'Tagbanwa', 'Tai_Le', 'Tai_Tham', 'Tai_Viet', 'Takri', 'Tangut', 'Tifinagh',
  'Tirhuta', 'Todhri', 'Toto', 'Tulu_Tigalari', 'Ugaritic', 'Vai', 'Vithkuqi', 'Wancho', 'Warang_Citi', 'Yezidi',
  'Yi', 'Zanabazar_Square',
];

function wholly(set: string): RegExp {
  return new RegExp(`^[${set}]+$`, 'u');
}

/** One pattern per script the engine knows: the text is written in that script alone. */
const SINGLE_SCRIPTS: RegExp[] = SCRIPT_NAMES.flatMap((name) => {
  try {
    return [wholly(`\\p{Script=${name}}`)];
  } catch {
    return [];
  }
});

/** The combinations Highly Restrictive allows besides a single script: Japanese, Chinese, Korean. */
const CJK_COMBINATIONS = [
  wholly('\\p{Script=Latin}\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}'),
  wholly('\\p{Script=Latin}\\p{Script=Han}\\p{Script=Bopomofo}'),
  wholly('\\p{Script=Latin}\\p{Script=Han}\\p{Script=Hangul}'),
];

const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]+/gu;

/** True when `text` is in one script (or a CJK combination with Latin), as UTS #39 Highly Restrictive asks. */
export function isSingleScript(text: string): boolean {
  const letters = text.replace(NEUTRAL, '');
  if (!letters) return true;
  return CJK_COMBINATIONS.some((pattern) => pattern.test(letters)) || SINGLE_SCRIPTS.some((pattern) => pattern.test(letters));
}
