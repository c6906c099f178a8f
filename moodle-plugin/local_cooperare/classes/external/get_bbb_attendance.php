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

use context_module;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use invalid_parameter_exception;
use local_cooperare\local\util;

/**
 * local_cooperare_get_bbb_attendance: the attendance logs of one BigBlueButton activity, a page at a time.
 *
 * mod_bigbluebuttonbn keeps who joined a room in its table bigbluebuttonbn_logs (log 'Join', meta {"origin": …}) and,
 * when the BigBlueButton server sends its meeting events, one 'Summary' per attendee (meta {"recordid": …, "data":
 * {…, "duration": seconds, "engagement": {"chats", "talks", "raisehand", "poll_votes", "emojis"}}}); no web service
 * reads them. This one does, with the Summary figures taken out of the meta (as mod_bigbluebuttonbn's
 * custom_completion reads them) and the meta itself for anything else.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_bbb_attendance extends external_api {
    /** Most logs in one page. */
    const MAX_PAGE = 5000;

    /** @var string[] The log types read (mod_bigbluebuttonbn\logger::EVENT_JOIN, EVENT_LOGOUT, EVENT_SUMMARY). */
    const LOGS = ['Join', 'Logout', 'Summary'];

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cmid' => new external_value(PARAM_INT, 'Course module id of the BigBlueButton activity'),
            'since' => new external_value(PARAM_INT, 'Only logs written at or after this time, 0 for all',
                VALUE_DEFAULT, 0),
            'offset' => new external_value(PARAM_INT, 'Number of logs to skip (ordered by log id)', VALUE_DEFAULT, 0),
            'limit' => new external_value(PARAM_INT, 'Most logs to return, 1 to 5000', VALUE_DEFAULT, self::MAX_PAGE),
        ]);
    }

    /**
     * The Join, Logout and Summary logs of the activity.
     *
     * @param int $cmid
     * @param int $since
     * @param int $offset
     * @param int $limit
     * @return array
     */
    public static function execute(int $cmid, int $since = 0, int $offset = 0, int $limit = self::MAX_PAGE): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(),
            ['cmid' => $cmid, 'since' => $since, 'offset' => $offset, 'limit' => $limit]);
        util::check_paging($params['offset'], $params['limit'], self::MAX_PAGE);
        // Before any lookup: whether an activity exists is not for callers without the capability.
        util::require_site_provision();
        $cm = $params['cmid'] > 0
            ? get_coursemodule_from_id('bigbluebuttonbn', $params['cmid'], 0, false, IGNORE_MISSING) : false;
        if (!$cm) {
            throw new invalid_parameter_exception("activity {$params['cmid']}: no BigBlueButton activity has this id");
        }
        util::course_and_context((int) $cm->course, ['moodle/site:viewreports']);
        self::validate_context(context_module::instance($cm->id));
        $meetingid = (string) $DB->get_field('bigbluebuttonbn', 'meetingid', ['id' => $cm->instance], MUST_EXIST);

        [$insql, $inparams] = $DB->get_in_or_equal(self::LOGS, SQL_PARAMS_NAMED);
        $where = "bigbluebuttonbnid = :instance AND courseid = :courseid AND log {$insql} AND timecreated >= :since";
        $sqlparams = $inparams + ['instance' => $cm->instance, 'courseid' => $cm->course, 'since' => $params['since']];
        $total = $DB->count_records_select('bigbluebuttonbn_logs', $where, $sqlparams);
        $logs = [];
        $records = $DB->get_recordset_select('bigbluebuttonbn_logs', $where, $sqlparams, 'id',
            'id, userid, log, timecreated, meetingid, meta', $params['offset'], $params['limit']);
        foreach ($records as $record) {
            $logs[] = self::log_row($record);
        }
        $records->close();
        return [
            'cmid' => (int) $cm->id,
            'courseid' => (int) $cm->course,
            'instance' => (int) $cm->instance,
            'meetingid' => $meetingid,
            'total' => $total,
            'offset' => (int) $params['offset'],
            'logs' => $logs,
        ];
    }

    /**
     * One log as returned, with a Summary's duration and engagement counts taken out of its meta.
     *
     * @param \stdClass $record
     * @return array
     */
    public static function log_row(\stdClass $record): array {
        $meta = (string) ($record->meta ?? '');
        $decoded = $record->log === 'Summary' ? json_decode($meta) : null;
        $data = is_object($decoded) ? ($decoded->data ?? null) : null;
        $engagement = is_object($data) && isset($data->engagement) && is_object($data->engagement)
            ? $data->engagement : new \stdClass();
        return [
            'id' => (int) $record->id,
            'userid' => (int) $record->userid,
            'log' => (string) $record->log,
            'timecreated' => (int) $record->timecreated,
            'meetingid' => (string) $record->meetingid,
            'duration' => is_object($data) ? (int) ($data->duration ?? 0) : 0,
            'chats' => (int) ($engagement->chats ?? 0),
            'talks' => (int) ($engagement->talks ?? 0),
            'raisehand' => (int) ($engagement->raisehand ?? 0),
            'pollvotes' => (int) ($engagement->poll_votes ?? 0),
            'emojis' => (int) ($engagement->emojis ?? 0),
            'meta' => $meta,
        ];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'Course module id'),
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'instance' => new external_value(PARAM_INT, 'bigbluebuttonbn id'),
            'meetingid' => new external_value(PARAM_RAW, 'Meeting id of the activity'),
            'total' => new external_value(PARAM_INT, 'Number of logs matching'),
            'offset' => new external_value(PARAM_INT, 'Offset of this page'),
            'logs' => new external_multiple_structure(
                new external_single_structure([
                    'id' => new external_value(PARAM_INT, 'Log id'),
                    'userid' => new external_value(PARAM_INT, 'User id'),
                    'log' => new external_value(PARAM_ALPHA, 'Join, Logout or Summary'),
                    'timecreated' => new external_value(PARAM_INT, 'When the log was written'),
                    'meetingid' => new external_value(PARAM_RAW, 'Meeting id written with the log'),
                    'duration' => new external_value(PARAM_INT, 'Summary: seconds present, 0 otherwise'),
                    'chats' => new external_value(PARAM_INT, 'Summary: chat messages'),
                    'talks' => new external_value(PARAM_INT, 'Summary: times talking'),
                    'raisehand' => new external_value(PARAM_INT, 'Summary: hands raised'),
                    'pollvotes' => new external_value(PARAM_INT, 'Summary: poll votes'),
                    'emojis' => new external_value(PARAM_INT, 'Summary: emojis'),
                    'meta' => new external_value(PARAM_RAW, 'The log\'s meta (JSON) as stored, empty if none'),
                ]),
                'Logs of this page, by id'
            ),
        ]);
    }
}
