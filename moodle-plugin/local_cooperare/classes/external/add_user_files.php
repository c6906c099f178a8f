<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cooperare\local\userfiles;
use local_cooperare\local\util;

/**
 * local_cooperare_add_user_files: put files from draft areas of the caller into other users' private files.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class add_user_files extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'files' => new external_multiple_structure(
                new external_single_structure([
                    'userid' => new external_value(PARAM_INT, 'Id of the user whose private files receive the file'),
                    'draftitemid' => new external_value(PARAM_INT, 'Draft area of the calling user holding exactly '
                        . 'one file (from webservice/upload.php); the file keeps its name'),
                    'filepath' => new external_value(PARAM_RAW, 'Folder in the private files, starting and ending '
                        . 'with /', VALUE_DEFAULT, '/'),
                    'overwrite' => new external_value(PARAM_BOOL, 'Replace a file of the same name with different '
                        . 'content (otherwise that is an error)', VALUE_DEFAULT, false),
                ]),
                'Files to put into users\' private files'
            ),
        ]);
    }

    /**
     * Put the files, all or nothing. A file already there with the same content is reported unchanged.
     *
     * @param array $files
     * @return array
     */
    public static function execute(array $files): array {
        $params = self::validate_parameters(self::execute_parameters(), ['files' => $files]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params) {
            $seen = [];
            $result = [];
            foreach ($params['files'] as $item) {
                $result[] = userfiles::add($item, $seen);
            }
            return $result;
        }, $courseids);
        return ['files' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'files' => new external_multiple_structure(
                new external_single_structure([
                    'userid' => new external_value(PARAM_INT, 'User id'),
                    'filepath' => new external_value(PARAM_RAW, 'Folder in the private files'),
                    'filename' => new external_value(PARAM_RAW, 'File name (the name of the draft file)'),
                    'contenthash' => new external_value(PARAM_RAW, 'SHA-1 of the file content'),
                    'action' => new external_value(PARAM_ALPHA, 'created, replaced or unchanged'),
                ])
            ),
        ]);
    }
}
