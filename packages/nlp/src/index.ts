export { detectLanguage, UNDETERMINED, type LanguageGuess } from "./language.ts";
