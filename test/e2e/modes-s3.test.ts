/** Every mode's scenarios against s3 (see mode-tests.ts). */
import { defineModeTests } from "./mode-tests.js";

defineModeTests("s3");
