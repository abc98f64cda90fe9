/** Every mode's scenarios against sftp (see mode-tests.ts). */
import { defineModeTests } from "./mode-tests.js";

defineModeTests("sftp");
