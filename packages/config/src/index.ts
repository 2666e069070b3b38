export {
  ConfigError,
  loadYamlFile,
  parseYamlText,
  loadBrandsFile,
  loadSourcesFile,
  loadTeamsFile,
  type ConfigProblem,
} from "./load.ts";
