export {
  ConfigError,
  loadYamlFile,
  parseYamlText,
  loadBrandsFile,
  loadSourcesFile,
  loadTeamsFile,
  loadAlertsFile,
  type ConfigProblem,
} from "./load.ts";
