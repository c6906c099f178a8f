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
use local_cooperare\local\sitefiles;
use local_cooperare\local\util;

/**
 * local_cooperare_publish_site: make a site the plugin serves (the public certificate verification page, at
 * /local/cooperare/verify.php/) hold exactly the files of one draft area of the caller, all or nothing.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class publish_site extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'area' => new external_value(PARAM_ALPHA, 'The site: verify'),
            'draftitemid' => new external_value(PARAM_INT, 'Draft area of the calling user holding the site\'s files '
                . 'with their folders (uploaded through webservice/upload.php)'),
            'replace' => new external_value(PARAM_BOOL, 'Delete the site\'s files the draft area does not hold',
                VALUE_DEFAULT, true),
        ]);
    }

    /**
     * Publish, all or nothing.
     *
     * @param string $area
     * @param int $draftitemid
     * @param bool $replace
     * @return array
     */
    public static function execute(string $area, int $draftitemid, bool $replace = true): array {
        $params = self::validate_parameters(self::execute_parameters(),
            ['area' => $area, 'draftitemid' => $draftitemid, 'replace' => $replace]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params) {
            return sitefiles::publish($params['area'], $params['draftitemid'], $params['replace']);
        }, $courseids);
        $result['url'] = (new \moodle_url('/local/cooperare/' . $params['area'] . '.php/'))->out(false);
        return $result;
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'created' => new external_value(PARAM_INT, 'Files added'),
            'replaced' => new external_value(PARAM_INT, 'Files whose content changed'),
            'unchanged' => new external_value(PARAM_INT, 'Files already there with the same content'),
            'deleted' => new external_value(PARAM_INT, 'Files no longer published (with replace)'),
            'url' => new external_value(PARAM_URL, 'Address the site is served at'),
            'files' => new external_multiple_structure(
                new external_single_structure([
                    'filepath' => new external_value(PARAM_RAW, 'Folder'),
                    'filename' => new external_value(PARAM_RAW, 'File name'),
                    'action' => new external_value(PARAM_ALPHA, 'created, replaced, unchanged or deleted'),
                ]),
                'What happened to each file'
            ),
        ]);
    }
}
