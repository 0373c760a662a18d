/** A file the user added (an input, a drop, a picked folder) and its path inside what was added ("Holidays/2019/IMG_0001.jpg"). */
export interface IntakeFile {
  file: File;
  path: string;
}
